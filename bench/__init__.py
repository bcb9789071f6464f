"""Benchmarks and calibration scripts (not tests): they measure and print figures."""
