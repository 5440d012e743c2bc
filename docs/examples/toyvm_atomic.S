# toyvm_atomic: a bare-metal guest for toyvm that uses an atomic instruction, which toyvm
# refuses (it has no A extension): the run stops at the amoadd.w with RefusedInstruction,
# exit 82, after 2 instructions (lla is auipc + addi).
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        lla     t0, counter
        amoadd.w t1, t0, (t0)
1:      j       1b

        .data
        .balign 4
counter:
        .word   0
