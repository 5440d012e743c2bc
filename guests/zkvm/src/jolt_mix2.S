# jolt_mix2: bare metal, straight-line RV64M/A/Zicsr instruction mix with hand-countable Jolt
# trace rows (rows per instruction from Jolt's expansion recipes at jolt@ff9f8c13, sheet §1.3;
# "xN" = runs N times). Ends with the termination store (SB: 13 rows) and `j .` (once, 1 row).
#   executed                         instrs rows        executed                        instrs rows
#   lla s0,buf (auipc+addi)            2     2          amoadd.w  s8,t1,(s0)              1    19
#   addi s1,s0,8; addi t1; addi t2     3     3          amoadd.d  s9,t1,(s1)              1     4
#   mul                                1     1          amoswap.d s10,t2,(s1)             1     3
#   mulh                               1     7          amomax.w  s11,t2,(s0)             1    24
#   mulhsu                             1    11          amoadd.d  x0,t1,(s1) (rd=x0)      1     4
#   mulhu, mulw                        2     2          lr.d t3,(s1)                      1     5
#   div                                1    24          sc.d t4,t1,(s1)  (succeeds)       1    16
#   divu                               1     8          lr.w t3,(s0)                      1    10
#   rem                                1    24          sc.w t5,t1,(s0)  (succeeds)       1    37
#   remu                               1     7          sc.w t6,t1,(s0)  (fails)          1    37
#   divw                               1    21          csrrw x0,mscratch,t1  (rd=0)      1     1
#   divuw                              1    11          csrrs t3,mscratch,x0  (csrr)      1     1
#   remw                               1    21          csrrw t4,mscratch,t2              1     2
#   remuw                              1     9          csrrs t5,mscratch,t1              1     2
#   div x0,t1,t2   (rd=x0)             1     1          csrrs x0,mscratch,t2  (rd=0)      1     1
#   mulh x0,t1,t2  (rd=x0)             1     1          csrrw t3,mscratch,t3  (rd==rs1)   1     3
#   div s7,t1,x0   (by zero)           1    24          csrrs a0,mscratch,a0  (rd==rs1)   1     3
#                                                       addi t0,x0,3                      1     1
#                                                       loop: mul, addi, bnez  x3         9     9
#                                                       lla t0,__termination              2     2
#                                                       addi t1,x0,1 ; sb t1,0(t0)        2    14
#                                                       j .                               1     1
# Total: 53 instructions, 376 rows (padded trace 512). Terminated, exit 0, no output bytes.
# At the end t6 (x31) still holds 1, the failed sc.w's result.
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        lla     s0, buf                 # rows 2 (auipc, addi)
        addi    s1, s0, 8               # rows 1
        addi    t1, x0, 7               # rows 1
        addi    t2, x0, -3              # rows 1
        mul     a0, t1, t2              # rows 1
        mulh    a1, t1, t2              # rows 7
        mulhsu  a2, t1, t2              # rows 11
        mulhu   a3, t1, t2              # rows 1
        mulw    a4, t1, t2              # rows 1
        div     a5, t1, t2              # rows 24
        divu    a6, t1, t2              # rows 8
        rem     a7, t1, t2              # rows 24
        remu    s2, t1, t2              # rows 7
        divw    s3, t1, t2              # rows 21
        divuw   s4, t1, t2              # rows 11
        remw    s5, t1, t2              # rows 21
        remuw   s6, t1, t2              # rows 9
        div     x0, t1, t2              # rows 1    rd = x0: one ADDI row
        mulh    x0, t1, t2              # rows 1    rd = x0
        div     s7, t1, x0              # rows 24   by zero: s7 = -1
        amoadd.w  s8, t1, (s0)          # rows 19
        amoadd.d  s9, t1, (s1)          # rows 4
        amoswap.d s10, t2, (s1)         # rows 3
        amomax.w  s11, t2, (s0)         # rows 24
        amoadd.d  x0, t1, (s1)          # rows 4    an AMO keeps its rows with rd = x0
        lr.d    t3, (s1)                # rows 5
        sc.d    t4, t1, (s1)            # rows 16   succeeds: t4 = 0
        lr.w    t3, (s0)                # rows 10
        sc.w    t5, t1, (s0)            # rows 37   succeeds: t5 = 0
        sc.w    t6, t1, (s0)            # rows 37   fails (no reservation): t6 = 1
        csrrw   x0, mscratch, t1        # rows 1    rd = 0
        csrrs   t3, mscratch, x0        # rows 1    rs1 = 0 (csrr)
        csrrw   t4, mscratch, t2        # rows 2
        csrrs   t5, mscratch, t1        # rows 2
        csrrs   x0, mscratch, t2        # rows 1    rd = 0
        csrrw   t3, mscratch, t3        # rows 3    rd == rs1
        csrrs   a0, mscratch, a0        # rows 3    rd == rs1
        addi    t0, x0, 3               # rows 1
loop:   mul     a1, a1, t1              # rows 1 x3
        addi    t0, t0, -1              # rows 1 x3
        bnez    t0, loop                # rows 1 x3
        lla     t0, __termination       # rows 2 (auipc, addi)
        addi    t1, x0, 1               # rows 1
        sb      t1, 0(t0)               # rows 13
halt:   j       halt                    # rows 1

        .bss
        .balign 8
buf:    .zero   32
