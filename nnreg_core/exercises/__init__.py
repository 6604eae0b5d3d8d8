"""Exercise checkers for the notebooks: one module per notebook, each ``check_…`` function tells
the learner whether an answer is right and, if not, what to look at. NumPy only."""
