"""Writes about analyses and their reps: the job (`analyses`), what people are told about it
(`notices`), a rep's verdict (`verdicts`), rep-count corrections (`rep_counts`), videos made
for browsers (`videos`) and an athlete's data export (`athlete_data`). Import the module
that holds the function."""
