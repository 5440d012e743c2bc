# jolt_cycles: bare metal; Jolt's cycle-tracking markers around two labelled straight-line
# spans, then Jolt's VirtualHostIO print with event 1 (print) and event 2 (print a line).
# A marker is VirtualHostIO (.insn i 0x5B, 2, x0, x0, 0; 1 row) with a0 = 0xC7C1E, a1 = label
# pointer, a2 = label length, a3 = 1 (start) or 2 (end). Jolt counts in a span the START
# marker's row and instruction and everything up to, not including, the END marker:
# (Instruction counts here take each VirtualHostIO word as one instruction.)
#   "span_a": hostio(start), addi, addi, add, sll(2), sw(15), lw(6), addi a3 = 8 instrs, 28 rows
#   "span_b": hostio(start), mul, divu(8), remu(7), mulh(7), addi a3        = 6 instrs, 25 rows
# Then prints "jolt_cycles: print, " (event 1) and "println" (event 2, a line):
# stdout "jolt_cycles: print, println\n". Whole run: 46 instructions, 97 rows (padded 256):
#   before span_a: lla s0, lla s1, lla s2 (6), lui, addi, mv, addi a2, addi a3 = 11 / 11 rows;
#   span_a 8 / 28; end marker 1 / 1; before span_b: mv, addi a3 = 2 / 2; span_b 6 / 25;
#   end marker 1 / 1; the prints: lui, addi, lla, addi, addi, hostio, lla, addi, addi,
#   hostio = 12 / 12; termination lla, addi, sb = 4 / 16; j . = 1 / 1.
# Terminated, exit 0.
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        lla     s0, label_a             # rows 2 (auipc, addi)
        lla     s1, label_b             # rows 2 (auipc, addi)
        lla     s2, buf                 # rows 2 (auipc, addi)
        lui     a0, 0xc8                # rows 1
        addi    a0, a0, -994            # rows 1    a0 = 0xC7C1E (cycle tracking)
        mv      a1, s0                  # rows 1
        addi    a2, x0, 6               # rows 1    strlen("span_a")
        addi    a3, x0, 1               # rows 1    start
        .insn i 0x5B, 2, x0, x0, 0      # rows 1    START span_a (counted in span_a)
        addi    t0, x0, 5               # rows 1
        addi    t1, x0, 2               # rows 1
        add     t2, t0, t1              # rows 1
        sll     t3, t2, t1              # rows 2
        sw      t3, 0(s2)               # rows 15
        lw      t4, 0(s2)               # rows 6
        addi    a3, x0, 2               # rows 1    end (counted in span_a)
        .insn i 0x5B, 2, x0, x0, 0      # rows 1    END span_a (not counted)
        mv      a1, s1                  # rows 1
        addi    a3, x0, 1               # rows 1    start
        .insn i 0x5B, 2, x0, x0, 0      # rows 1    START span_b
        mul     t0, t4, t1              # rows 1
        divu    t1, t0, t1              # rows 8
        remu    t2, t0, t4              # rows 7
        mulh    t3, t0, t4              # rows 7
        addi    a3, x0, 2               # rows 1    end
        .insn i 0x5B, 2, x0, x0, 0      # rows 1    END span_b
        lui     a0, 0x505               # rows 1
        addi    a0, a0, 0x249           # rows 1    a0 = 0x505249 (print)
        lla     a1, msg1                # rows 2 (auipc, addi)
        addi    a2, x0, 20              # rows 1    strlen(msg1)
        addi    a3, x0, 1               # rows 1    event 1: print
        .insn i 0x5B, 2, x0, x0, 0      # rows 1
        lla     a1, msg2                # rows 2 (auipc, addi)
        addi    a2, x0, 7               # rows 1    strlen(msg2)
        addi    a3, x0, 2               # rows 1    event 2: print a line
        .insn i 0x5B, 2, x0, x0, 0      # rows 1
        lla     t0, __termination       # rows 2 (auipc, addi)
        addi    t1, x0, 1               # rows 1
        sb      t1, 0(t0)               # rows 13
halt:   j       halt                    # rows 1

        .section .rodata
label_a: .ascii "span_a"
label_b: .ascii "span_b"
msg1:   .ascii  "jolt_cycles: print, "
msg2:   .ascii  "println"

        .bss
        .balign 8
buf:    .zero   8
