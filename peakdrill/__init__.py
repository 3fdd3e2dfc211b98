"""Peakdrill core: exit codes, typed YAML loading, run folders and the run journal."""
