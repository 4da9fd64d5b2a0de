package scopes

import "testing"

func TestScopes(t *testing.T) {
	if !Local("abc") || Param("") || Result() != 3 || LocalVar() != "local" {
		t.Fatal("wrong")
	}
	if Range([]string{"ab"}) == 0 || TypeSwitch(1) != re.String() || !Inits("abc") {
		t.Fatal("wrong")
	}
	if !FuncLit()("abc") || !Fields() || Labels() != 2 || len(MethodValue([]string{"a", "1"})) != 1 {
		t.Fatal("wrong")
	}
	ch := make(chan string)
	if Select(ch) != re.String() || Closure()() != "captured" || (T{}).Method() == "" {
		t.Fatal("wrong")
	}
}
