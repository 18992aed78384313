"""Exact solutions and published reference numbers the labs compare against."""
