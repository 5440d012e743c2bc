# jolt_bad_csr: bare metal; holds one word Jolt refuses at program build (and at run):
# `csrrs t0, mhartid, x0` (csrr of CSR 0xF14, outside Jolt's six). Executed: that csrrs; were
# it accepted, it would go on to the termination store (auipc, addi, addi, sb) and `j .`.
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        csrrs   t0, mhartid, x0
        lla     t0, __termination
        addi    t1, x0, 1
        sb      t1, 0(t0)
1:      j       1b
