# jolt_start.s: the entry of the bare-metal C guests (not a guest itself): sp = __stack_top,
# call main; main returning 0 stores 1 to the termination byte, anything else to the panic
# byte; then `j .`.
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        lla     sp, __stack_top
        call    main
        lla     t0, __termination
        beqz    a0, 1f
        lla     t0, __panic
1:      addi    t1, x0, 1
        sb      t1, 0(t0)
2:      j       2b
