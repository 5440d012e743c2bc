# Applied (sed -E) to go_demo's recorded stderr, and by test/integration/go-guests.test.ts
# to ZeroOS's, before they are compared. Go's tracebacks print argument words and frame
# addresses: heap and stack addresses differ between qemu-user and ZeroOS (Go's heap hint
# 0xc000000000 lies beyond sv39's 256 GiB, so under ZeroOS, as under Linux on an sv39
# hart, the heap is placed elsewhere), and goroutine ids depend on which P created the
# goroutine. One s/// command per line, nothing else: the test reads them as JS regexps
# applied to every line (flags gm), so each pattern is anchored or ends in /g.
s/\((0x[0-9a-f]+\??|\.\.\.)(, (0x[0-9a-f]+\??|\.\.\.|\{[^}]*\}))*\)$/(ARGS)/
s/^main\.([A-Za-z0-9_.]+)\(\{[^}]*\}(, (0x[0-9a-f]+\??|\.\.\.|\{[^}]*\}))*\)$/main.\1(ARGS)/
s/ (fp|sp|pc)=0x[0-9a-f]+/ \1=ADDR/g
s/^goroutine [0-9]+ \[/goroutine N [/
