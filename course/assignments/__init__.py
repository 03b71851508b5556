"""Graded assignments: nbgrader notebooks whose expected answers the engines compute."""
