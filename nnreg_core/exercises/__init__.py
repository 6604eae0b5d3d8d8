"""Exercise checkers for the notebooks: one module per notebook. NumPy only.

Every ``check_…`` function prints one message and returns it: ``"Correct: …"`` for a right
answer, the placeholder message while the answer is still ``None``, otherwise a hint that names
the slip it recognised or starts with ``"Not yet: "``. What they share lives in :mod:`.answers`.
"""
