"""Instructor tools: generate student notebooks from solutions, grade a folder of submissions."""
