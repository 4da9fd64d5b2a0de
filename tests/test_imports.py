"""The import editor: every result must also be exactly what gofmt would print."""

from __future__ import annotations

import textwrap

import pytest

from codemod import gotool, imports, syntax


def go(src: str) -> bytes:
    return textwrap.dedent(src).lstrip().encode()


def assert_gofmt_clean(out: bytes) -> None:
    formatted, error = gotool.gofmt(out)
    assert error == ""
    assert formatted == out, f"not gofmt-clean:\n{out.decode()}"


CASES = [
    pytest.param(
        "add",
        ("sync", None),
        """
        package p

        import (
        	"fmt"
        	"os"
        )
        """,
        """
        package p

        import (
        	"fmt"
        	"os"
        	"sync"
        )
        """,
        id="add-std-sorted-at-end",
    ),
    pytest.param(
        "add",
        ("bytes", None),
        """
        package p

        import (
        	"fmt"

        	"example.com/x"
        )
        """,
        """
        package p

        import (
        	"bytes"
        	"fmt"

        	"example.com/x"
        )
        """,
        id="add-std-into-std-run",
    ),
    pytest.param(
        "add",
        ("example.com/y", "yy"),
        """
        package p

        import (
        	"fmt"
        )
        """,
        """
        package p

        import (
        	"fmt"

        	yy "example.com/y"
        )
        """,
        id="add-aliased-third-party-new-run",
    ),
    pytest.param(
        "add",
        ("sync", None),
        """
        package p

        import "fmt"

        var _ = fmt.Sprint
        """,
        """
        package p

        import (
        	"fmt"
        	"sync"
        )

        var _ = fmt.Sprint
        """,
        id="add-single-becomes-group",
    ),
    pytest.param(
        "add",
        ("errors", None),
        """
        package p

        import "fmt" // for printing
        """,
        """
        package p

        import (
        	"errors"
        	"fmt" // for printing
        )
        """,
        id="add-single-keeps-comment",
    ),
    pytest.param(
        "add",
        ("sync", None),
        """
        // Package p does things.
        package p

        func f() {}
        """,
        """
        // Package p does things.
        package p

        import "sync"

        func f() {}
        """,
        id="add-first-import",
    ),
    pytest.param(
        "add",
        ("fmt", None),
        """
        package p

        import "fmt"
        """,
        """
        package p

        import "fmt"
        """,
        id="add-present-is-noop",
    ),
    pytest.param(
        "remove",
        ("os", None),
        """
        package p

        import (
        	"fmt"
        	"os"
        	"strings"
        )

        var _ = fmt.Sprint
        var _ = strings.ToUpper
        """,
        """
        package p

        import (
        	"fmt"
        	"strings"
        )

        var _ = fmt.Sprint
        var _ = strings.ToUpper
        """,
        id="remove-unused-from-group",
    ),
    pytest.param(
        "remove",
        ("os", None),
        """
        package p

        import (
        	"fmt"
        	"os"
        )

        var _ = fmt.Sprint
        """,
        """
        package p

        import "fmt"

        var _ = fmt.Sprint
        """,
        id="remove-collapses-group-of-one",
    ),
    pytest.param(
        "remove",
        ("os", None),
        """
        package p

        import (
        	"fmt" // printing
        	"os"
        )

        var _ = fmt.Sprint
        """,
        """
        package p

        import (
        	"fmt" // printing
        )

        var _ = fmt.Sprint
        """,
        id="remove-keeps-group-with-comment",
    ),
    pytest.param(
        "remove",
        ("os", None),
        """
        package p

        import (
        	"fmt"
        	"os"
        )

        var _ = fmt.Sprint
        var _ = os.Args
        """,
        """
        package p

        import (
        	"fmt"
        	"os"
        )

        var _ = fmt.Sprint
        var _ = os.Args
        """,
        id="remove-keeps-used",
    ),
    pytest.param(
        "remove",
        ("net/http/pprof", "_"),
        """
        package p

        import (
        	"fmt"

        	// Profiling endpoints.
        	_ "net/http/pprof" // G108
        	"strings"
        )

        var _ = fmt.Sprint
        var _ = strings.ToUpper
        """,
        """
        package p

        import (
        	"fmt"

        	"strings"
        )

        var _ = fmt.Sprint
        var _ = strings.ToUpper
        """,
        id="remove-blank-with-doc-comment",
    ),
    pytest.param(
        "remove",
        ("os", None),
        """
        package p

        import "os"

        func f() {}
        """,
        """
        package p

        func f() {}
        """,
        id="remove-single-decl",
    ),
    pytest.param(
        "remove",
        ("strings", None),
        """
        package p

        import . "strings"

        var _ = ToUpper
        """,
        """
        package p

        import . "strings"

        var _ = ToUpper
        """,
        id="remove-keeps-dot-import",
    ),
    pytest.param(
        "remove",
        ("example.com/y/v2", None),
        """
        package p

        import (
        	"example.com/y/v2"
        	"fmt"
        )

        var _ = fmt.Sprint
        var _ = y.New
        """,
        """
        package p

        import (
        	"example.com/y/v2"
        	"fmt"
        )

        var _ = fmt.Sprint
        var _ = y.New
        """,
        id="remove-keeps-major-version-path",
    ),
    pytest.param(
        "rename",
        ("net/http/pprof", None),
        """
        package p

        import (
        	"net/http"
        	_ "net/http/pprof" // keep me
        )
        """,
        """
        package p

        import (
        	"net/http"
        	"net/http/pprof" // keep me
        )
        """,
        id="rename-blank-to-default",
    ),
    pytest.param(
        "rename",
        ("regexp", "re"),
        """
        package p

        import "regexp"
        """,
        """
        package p

        import re "regexp"
        """,
        id="rename-to-alias",
    ),
    # cgo: the comment right above `import "C"` is C code (the preamble), read from the
    # declaration only while it holds that one import. Never touch that declaration.
    pytest.param(
        "add",
        ("sync", None),
        """
        package p

        // #include <stdlib.h>
        import "C"
        """,
        """
        package p

        // #include <stdlib.h>
        import "C"

        import "sync"
        """,
        id="add-after-lone-cgo-import",
    ),
    pytest.param(
        "add",
        ("sync", None),
        """
        package p

        // #include <stdlib.h>
        import "C"

        import "fmt"
        """,
        """
        package p

        // #include <stdlib.h>
        import "C"

        import (
        	"fmt"
        	"sync"
        )
        """,
        id="add-to-the-import-after-cgo",
    ),
    pytest.param(
        "add",
        ("sync", None),
        """
        package p

        // #include <stdlib.h>
        import "C"

        import (
        	"fmt"
        	"os"
        )
        """,
        """
        package p

        // #include <stdlib.h>
        import "C"

        import (
        	"fmt"
        	"os"
        	"sync"
        )
        """,
        id="add-to-the-group-after-cgo",
    ),
    pytest.param(
        "add",
        ("sync", None),
        """
        package p

        import (
        	// #include <stdlib.h>
        	"C"
        	"fmt"
        )
        """,
        """
        package p

        import (
        	// #include <stdlib.h>
        	"C"
        	"fmt"
        )

        import "sync"
        """,
        id="add-not-into-a-cgo-group",
    ),
    pytest.param(
        "remove",
        ("os", None),
        """
        package p

        import (
        	"C"
        	"os"
        )
        """,
        """
        package p

        import (
        	"C"
        )
        """,
        id="remove-keeps-a-cgo-group",
    ),
    pytest.param(
        "remove",
        ("C", None),
        """
        package p

        // #include <stdlib.h>
        import "C"
        """,
        """
        package p

        // #include <stdlib.h>
        import "C"
        """,
        id="remove-never-drops-cgo",
    ),
    # A standalone declaration's doc comment goes with it, as a grouped spec's does;
    # left behind it reads as the doc of whatever follows.
    pytest.param(
        "remove",
        ("net/http/pprof", "_"),
        """
        package p

        import "fmt"

        // Served by the debug listener.
        import _ "net/http/pprof"

        func f() { fmt.Println() }
        """,
        """
        package p

        import "fmt"

        func f() { fmt.Println() }
        """,
        id="remove-standalone-with-its-doc-comment",
    ),
]


def test_remove_refuses_to_make_a_comment_the_cgo_preamble() -> None:
    """With two imports the group's comment is not the preamble; with "C" alone it is."""
    src = go(
        """
        package p

        // Imports of the wrapper.
        import (
        	"C"
        	_ "net/http/pprof"
        )
        """
    )
    with pytest.raises(imports.ImportEditError, match="the cgo preamble"):
        imports.remove(src, "net/http/pprof", "_")


def test_rename_never_renames_cgo() -> None:
    src = go('package p\n\nimport "C"\n')
    assert imports.rename(src, "C", "c") == src


@pytest.mark.parametrize(("action", "args", "before", "after"), CASES)
def test_import_edit(action: str, args: tuple[str, str | None], before: str, after: str) -> None:
    out = getattr(imports, action)(go(before), *args)
    assert out.decode() == go(after).decode()
    assert_gofmt_clean(out)


def test_default_name() -> None:
    assert imports.default_name("net/http/pprof") == "pprof"
    assert imports.default_name("gopkg.in/yaml.v3") == "yaml"
    assert imports.default_name("github.com/x/y/v2") == "y"
    assert imports.default_name("github.com/mattn/go-isatty") == "isatty"


def test_specs_lists_names_and_paths() -> None:
    src = go(
        """
        package p

        import (
        	"fmt"
        	re "regexp"
        	_ "embed"
        	. "strings"
        )
        """
    )
    from codemod import syntax

    found = [(s.name, s.path) for s in imports.specs(syntax.parse(src).root_node)]
    assert found == [(None, "fmt"), ("re", "regexp"), ("_", "embed"), (".", "strings")]


def test_paths_by_name_skip_blank_and_dot_imports() -> None:
    root = syntax.parse(
        b'package p\n\nimport (\n\t_ "embed"\n\t. "strings"\n\tre "regexp"\n\t"net/url"\n)\n'
    ).root_node
    assert imports.paths_by_name(root) == {"re": "regexp", "url": "net/url"}
