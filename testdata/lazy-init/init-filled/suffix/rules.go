package suffix

var rules = [...]Rule{
	{Value: "com"},
	{Value: "org"},
	{Value: "co.uk"},
	{Value: "github.io", Private: true},
	{Value: "blogspot.com", Private: true},
}

// regions says what each top-level domain is; init() reads it for every rule, so
// building it lazily would gain nothing.
var regions = map[string]string{ // want "regions: a map literal of 32 entries runs at every start; not made lazy: no gain: read at start-up by init\(\) at list.go:\d+"
	"ac": "country",
	"ad": "country",
	"ae": "country",
	"af": "country",
	"ag": "country",
	"ai": "country",
	"al": "country",
	"am": "country",
	"ao": "country",
	"aq": "country",
	"ar": "country",
	"as": "country",
	"at": "country",
	"au": "country",
	"aw": "country",
	"ax": "country",
	"az": "country",
	"ba": "country",
	"bb": "country",
	"bd": "country",
	"be": "country",
	"bf": "country",
	"bg": "country",
	"bh": "country",
	"bi": "country",
	"bj": "country",
	"bm": "country",
	"bn": "country",
	"bo": "country",
	"br": "country",
	"bs": "country",
	"uk": "country",
}
