# jolt_trap: bare metal, machine mode, its own trap handler (as ZeroOS runs inside a Jolt guest).
# _start sets sp and mtvec, then makes ecalls that the handler serves:
#   write(1, "hello from jolt_trap\n", 21)      a7 = 64: printed with Jolt's VirtualHostIO print
#                                               (a0 = 0x505249, a1 = ptr, a2 = len, a3 = 1,
#                                               .insn i 0x5B, 2, x0, x0, 0); returns len in a0
#   syscall 0x1fff (unknown)                    returns -38 (ENOSYS)
#   write(1, "enosys ok\n" or "enosys BAD\n")   depending on that result
#   exit(0)                                     a7 = 93: stores 1 to the termination byte, `j .`
# The handler reads mcause (11 = ecall), advances mepc by 4 and returns with mret. An exit
# code other than 0 stores 1 to the panic byte instead. On Jolt, machine trap mode: prints
# "hello from jolt_trap\nenosys ok\n", terminated (exit 0). Each ecall costs 7 rows.
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        lla     sp, __stack_top
        lla     t0, trap_handler
        csrrw   x0, mtvec, t0
        # write(1, hello, 21)
        addi    a0, x0, 1
        lla     a1, hello
        addi    a2, x0, 21              # strlen(hello)
        addi    a7, x0, 64
        ecall
        # an unknown syscall answers -ENOSYS
        lui     a7, 0x2
        addi    a7, a7, -1              # 0x1fff
        ecall
        addi    t0, x0, -38
        lla     a1, ok
        addi    a2, x0, 10              # strlen(ok)
        beq     a0, t0, 1f
        lla     a1, bad
        addi    a2, x0, 11              # strlen(bad)
1:      addi    a0, x0, 1
        addi    a7, x0, 64
        ecall
        # exit(0)
        addi    a0, x0, 0
        addi    a7, x0, 93
        ecall
2:      j       2b                      # not reached

        .balign 4
trap_handler:
        csrrs   t0, mcause, x0
        addi    t1, x0, 11
        bne     t0, t1, unexpected
        addi    t1, x0, 64
        beq     a7, t1, sys_write
        addi    t1, x0, 93
        beq     a7, t1, sys_exit
        addi    a0, x0, -38             # ENOSYS
        j       trap_return
sys_write:
        # Jolt's print: a0 = "PRI", a1 = pointer, a2 = length, a3 = 1 (print, no newline)
        mv      t2, a2
        lui     a0, 0x505
        addi    a0, a0, 0x249           # 0x505249
        addi    a3, x0, 1
        .insn i 0x5B, 2, x0, x0, 0
        mv      a0, t2                  # write returns the byte count
trap_return:
        csrrs   t0, mepc, x0
        addi    t0, t0, 4
        csrrw   x0, mepc, t0
        mret
sys_exit:
        bnez    a0, unexpected
        lla     t0, __termination
        addi    t1, x0, 1
        sb      t1, 0(t0)
3:      j       3b
unexpected:
        lla     t0, __panic
        addi    t1, x0, 1
        sb      t1, 0(t0)
4:      j       4b

        .section .rodata
hello:  .ascii  "hello from jolt_trap\n"
ok:     .ascii  "enosys ok\n"
bad:    .ascii  "enosys BAD\n"
