package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
)

type point struct {
	X, Y float64
}

type shape struct {
	Name     string            `json:"name"`
	Sides    int               `json:"sides"`
	Area     float64           `json:"area"`
	Vertices []point           `json:"vertices"`
	Tags     map[string]string `json:"tags,omitempty"`
	Hidden   string            `json:"-"`
	Optional *int              `json:"optional,omitempty"`
}

// cmdJSON: encoding/json round trips of structs, maps (keys sorted), floats and
// interface{} values, with the float formatting that needs the F/D instructions.
func cmdJSON(args []string) int {
	s := shape{
		Name:  "triangle",
		Sides: 3,
		Area:  0.5 * 3 * 4,
		Vertices: []point{
			{0, 0}, {3, 0}, {0, 4},
		},
		Tags:   map[string]string{"zeta": "last", "alpha": "first", "mid": "<&>"},
		Hidden: "not marshalled",
	}
	out, err := json.Marshal(s)
	if err != nil {
		fmt.Println("marshal:", err)
		return 1
	}
	fmt.Printf("marshal: %s\n", out)
	var back shape
	if err := json.Unmarshal(out, &back); err != nil {
		fmt.Println("unmarshal:", err)
		return 1
	}
	fmt.Printf("unmarshal: %s sides=%d area=%g vertices=%v tags=%d\n", back.Name, back.Sides, back.Area, back.Vertices, len(back.Tags))

	floats := []float64{0, -0.0 * 1, 1, -1.5, 0.1, 1.0 / 3, 2.0 / 3, 1e21, 1e-7, 123456789.125, math.Pi, math.E,
		math.MaxFloat64, math.SmallestNonzeroFloat64, float64(float32(0.1)), math.Sqrt2, 6.02214076e23}
	fj, _ := json.Marshal(floats)
	fmt.Printf("floats: %s\n", fj)
	var fback []float64
	json.Unmarshal(fj, &fback)
	same := len(fback) == len(floats)
	for i := range floats {
		if same && math.Float64bits(fback[i]) != math.Float64bits(floats[i]) && !(floats[i] == 0 && fback[i] == 0) {
			same = false
		}
	}
	fmt.Printf("floats round trip exactly: %v\n", same)
	for _, f := range []float64{1.0 / 3, 1e300 * 10, -2.5e-310, 100} {
		fmt.Printf("format %s %s %s %s\n", strconv.FormatFloat(f, 'g', -1, 64), strconv.FormatFloat(f, 'e', 5, 64),
			strconv.FormatFloat(f, 'f', 3, 64), strconv.FormatFloat(f, 'g', -1, 32))
	}

	var any interface{}
	doc := `{"b":[1,2.5,"three",true,null],"a":{"nested":{"deep":-7e-3}},"c":"\u00e9\u4e2d\ud83d\ude00"}`
	if err := json.Unmarshal([]byte(doc), &any); err != nil {
		fmt.Println("unmarshal any:", err)
		return 1
	}
	again, _ := json.MarshalIndent(any, "", "  ")
	fmt.Printf("interface{} (keys sorted):\n%s\n", again)
	var bad struct{ N int }
	err = json.Unmarshal([]byte(`{"N": "not a number"}`), &bad)
	fmt.Printf("type error: %v\n", err)
	err = json.Unmarshal([]byte(`{"N": 1`), &bad)
	fmt.Printf("syntax error: %v\n", err)
	return 0
}

// cmdRegexp: compilation, matching, submatches, replacement and splitting.
func cmdRegexp(args []string) int {
	text := "alice@example.com, bob.smith@mail.example.org; not-an-email; carol+tag@x.io"
	email := regexp.MustCompile(`([a-z0-9._+-]+)@([a-z0-9.-]+\.[a-z]{2,})`)
	fmt.Printf("emails: %q\n", email.FindAllString(text, -1))
	for _, m := range email.FindAllStringSubmatch(text, -1) {
		fmt.Printf("  user=%s domain=%s\n", m[1], m[2])
	}
	fmt.Printf("replace: %s\n", email.ReplaceAllString(text, "<$2>"))
	date := regexp.MustCompile(`(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})`)
	m := date.FindStringSubmatch("released on 2023-04-05 at noon")
	for i, name := range date.SubexpNames() {
		if name != "" {
			fmt.Printf("  %s=%s\n", name, m[i])
		}
	}
	fmt.Printf("expand: %s\n", date.ReplaceAllString("2023-04-05 and 1999-12-31", "${day}/${month}/${year}"))
	fmt.Printf("split: %q\n", regexp.MustCompile(`\s*[,;]\s*`).Split(text, -1))
	fmt.Printf("unicode: %q\n", regexp.MustCompile(`\p{Greek}+`).FindAllString("alpha α beta βγ gamma", -1))
	fmt.Printf("case-insensitive: %v %v\n", regexp.MustCompile(`(?i)^hello`).MatchString("HeLLo world"), regexp.MustCompile(`^hello`).MatchString("HeLLo"))
	fmt.Printf("longest: %q\n", regexp.MustCompile(`a+?`).FindString("aaaa"))
	lm := regexp.MustCompile(`a+?`)
	lm.Longest()
	fmt.Printf("longest(): %q\n", lm.FindString("aaaa"))
	_, err := regexp.Compile(`(unclosed`)
	fmt.Printf("bad pattern: %v\n", err)
	// A pattern that backtracking engines take exponential time on: linear here.
	evil := regexp.MustCompile(`^(a+)+$`)
	long := make([]byte, 30)
	for i := range long {
		long[i] = 'a'
	}
	fmt.Printf("(a+)+ on 30 a's and a b: %v\n", evil.Match(append(long, 'b')))
	return 0
}

// cmdSHA256: crypto/sha256 over a generated 256 KiB buffer (an LCG), and known vectors.
func cmdSHA256(args []string) int {
	for _, s := range []string{"", "abc"} {
		sum := sha256.Sum256([]byte(s))
		fmt.Printf("sha256(%q) = %s\n", s, hex.EncodeToString(sum[:]))
	}
	buf := make([]byte, 256*1024)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range buf {
		x = x*6364136223846793005 + 1442695040888963407
		buf[i] = byte(x >> 56)
	}
	sum := sha256.Sum256(buf)
	fmt.Printf("sha256(256 KiB LCG) = %s\n", hex.EncodeToString(sum[:]))
	h := sha256.New()
	for i := 0; i < len(buf); i += 1000 {
		end := i + 1000
		if end > len(buf) {
			end = len(buf)
		}
		h.Write(buf[i:end])
	}
	fmt.Printf("streamed in 1000-byte writes: same %v\n", hex.EncodeToString(h.Sum(nil)) == hex.EncodeToString(sum[:]))
	return 0
}
