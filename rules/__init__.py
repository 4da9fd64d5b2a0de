"""codemod's own rules, one module per rule; each module exports `RULE`.

They are found through the `codemod.rules` entry-point group (see pyproject.toml).
"""
