"""The Streamlit app: a candidate chat page and a coach review page."""
