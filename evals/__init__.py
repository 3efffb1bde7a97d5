"""Fixed eval set, simulated candidate, runner, metrics, report and regression gate."""
