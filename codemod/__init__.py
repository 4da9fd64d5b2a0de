"""codemod: find and rewrite Go code that slows program start-up.

The library is usable without the CLI: `workflow.scan`, `workflow.plan` and
`workflow.apply` are the use cases; `rule.Rule` and `rule.Pass` are what a rule author
needs, and `testing.check_rule` / `testing.check_examples` test a rule without installing it.
"""

__version__ = "0.1.0"
