# jolt_bad_csrrc: bare metal; holds one word Jolt refuses at program build (and at run):
# `csrrc t0, mscratch, t1` (CSRRC is not in Jolt's ISA). Executed: auipc, addi, csrrc; were it
# accepted, it would go on to the termination store (auipc, addi, addi, sb) and `j .`.
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        lla     t1, _start
        csrrc   t0, mscratch, t1
        lla     t0, __termination
        addi    t1, x0, 1
        sb      t1, 0(t0)
1:      j       1b
