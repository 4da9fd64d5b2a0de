"""codemod: find and rewrite Go code that slows program start-up.

The library is usable without the CLI: `workflow.scan` and `workflow.plan` are the use
cases; `rule.Rule` and `rule.Pass` are what a rule author needs.
"""

__version__ = "0.1.0"
