# jolt_mix1: bare metal, straight-line RV64I/C instruction mix with hand-countable Jolt trace rows
# (rows per instruction from Jolt's expansion recipes at jolt@ff9f8c13, sheet §1.3; "xN" = runs
# N times). Ends with the termination store (SB: 13 rows) and `j .` (runs once, 1 row).
#   executed                       instrs  rows          executed                      instrs  rows
#   lla s0,buf (auipc+addi)          2      2            sb    t1,14(s0)                 1     13
#   addi t1,x0,5 / addi t2,x0,3      2      2            lb    s9,14(s0)                 1      8
#   add, sub                         2      2            lbu   s10,14(s0)                1      8
#   sll                              1      2            add   x0,t1,t2  (rd=x0)         1      1
#   slli                             1      1            sll   x0,t1,t2  (rd=x0)         1      1
#   srl, sra                         2      4            srlw  x0,t1,t2  (rd=x0)         1      1
#   srli, srai                       2      2            lw    x0,8(s0)  (load, rd=x0)   1      6
#   sllw                             1      2            lui, addiw                      2      2
#   slliw                            1      1            fence                           1      1
#   srlw, sraw                       2     10            c.li, c.slli, c.add, c.mv,
#   srliw, sraiw                     2      6              c.addi, c.ld                  6      6
#   sd, ld                           2      2            c.sw                            1     15
#   sw    t1,8(s0)                   1     15            c.lw                            1      6
#   lw    s5,8(s0)                   1      6            c.srli, c.nop                   2      2
#   lwu   s6,8(s0)                   1      9            addi t6,x0,4                    1      1
#   sh    t2,12(s0)                  1     14            loop: addi, bnez  x4            8      8
#   lh    s7,12(s0)                  1      9            lla t0,__termination            2      2
#   lhu   s8,12(s0)                  1      9            addi t1,x0,1 ; sb t1,0(t0)      2     14
#                                                        j .                             1      1
# Total: 60 instructions, 194 rows (padded trace 256). Terminated, exit 0, no output bytes.
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        lla     s0, buf                 # rows 2 (auipc, addi)
        addi    t1, x0, 5               # rows 1
        addi    t2, x0, 3               # rows 1
        add     t3, t1, t2              # rows 1
        sub     t3, t3, t2              # rows 1
        sll     t4, t1, t2              # rows 2    t4 = 40
        slli    t5, t1, 4               # rows 1
        srl     a0, t4, t2              # rows 2
        sra     a1, t4, t2              # rows 2
        srli    a2, t4, 1               # rows 1
        srai    a3, t4, 1               # rows 1
        sllw    a4, t1, t2              # rows 2
        slliw   a5, t1, 3               # rows 1
        srlw    a6, t4, t2              # rows 5
        sraw    a7, t4, t2              # rows 5
        srliw   s2, t4, 2               # rows 3
        sraiw   s3, t4, 2               # rows 3
        sd      t4, 0(s0)               # rows 1
        ld      s4, 0(s0)               # rows 1
        sw      t1, 8(s0)               # rows 15
        lw      s5, 8(s0)               # rows 6
        lwu     s6, 8(s0)               # rows 9
        sh      t2, 12(s0)              # rows 14
        lh      s7, 12(s0)              # rows 9
        lhu     s8, 12(s0)              # rows 9
        sb      t1, 14(s0)              # rows 13
        lb      s9, 14(s0)              # rows 8
        lbu     s10, 14(s0)             # rows 8
        add     x0, t1, t2              # rows 1    rd = x0: one ADDI row
        sll     x0, t1, t2              # rows 1    rd = x0
        srlw    x0, t1, t2              # rows 1    rd = x0
        lw      x0, 8(s0)               # rows 6    a load keeps its rows with rd = x0
        lui     s11, 0x12345            # rows 1
        addiw   s11, s11, 0x678         # rows 1
        fence                           # rows 1
        .option rvc
        c.li    a0, 7                   # rows 1
        c.slli  a0, 2                   # rows 1
        c.add   a0, a1                  # rows 1
        c.mv    a2, a0                  # rows 1
        c.addi  a2, -1                  # rows 1
        c.ld    a3, 0(s0)               # rows 1
        c.sw    a2, 16(s0)              # rows 15
        c.lw    a4, 16(s0)              # rows 6
        c.srli  a4, 1                   # rows 1
        c.nop                           # rows 1
        .option norvc
        addi    t6, x0, 4               # rows 1
loop:   addi    t6, t6, -1              # rows 1 x4
        bnez    t6, loop                # rows 1 x4
        lla     t0, __termination       # rows 2 (auipc, addi)
        addi    t1, x0, 1               # rows 1
        sb      t1, 0(t0)               # rows 13
halt:   j       halt                    # rows 1

        .bss
        .balign 8
buf:    .zero   32
