# toyvm_halt: a bare-metal guest for toyvm that never stores to EXIT. It prints "h\n",
# does one mul and one div, then halts (`j .`): toyvm reports that no exit was signalled
# (outcome no-exit, exit 81). Every instruction, counted by hand (no compressed forms):
#
#   lui  addi sb  addi sb  addi addi  mul  div  j .     10 instructions
#   1    1    1   1    1   1    1     4    16   1       28 cycles
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        li      t0, 0x10000000          # lui: toyvm's CONSOLE word
        li      t1, 'h'
        sb      t1, 0(t0)
        li      t1, '\n'
        sb      t1, 0(t0)
        li      a0, 6
        li      a1, 7
        mul     a2, a0, a1              # 42
        div     a3, a2, a1              # 6
1:      j       1b
