"""Reusable pieces of the Streamlit pages: safe text, transcript, debrief card."""
