# spike_htif: bare metal for Spike/HTIF (linked by zeroos linker-script --platform spike, which
# defines tohost/fromhost): prints "hello from htif\n" one byte at a time with HTIF putchar
# (tohost = 1<<56 | 1<<48 | byte), spinning as ZeroOS's send_packet does (wait while tohost is
# not 0, write it, wait until the host clears it), then exits with code 7: tohost = 7<<1 | 1,
# then `j .`. On Spike and on qemu-system-riscv64 -machine spike: that output, exit status 7.
        .option norvc
        .section .text.boot, "ax"
        .globl _start
_start:
        lla     a0, msg
        lla     t1, tohost
        addi    t0, x0, 0x101
        slli    t3, t0, 48              # device 1 (console), command 1 (putchar)
next:   lbu     a1, 0(a0)
        beqz    a1, done
        or      t0, t3, a1
        call    send_packet
        addi    a0, a0, 1
        j       next
done:   addi    t0, x0, 15              # exit: (7 << 1) | 1
        call    send_packet
halt:   j       halt

# send_packet: t0 = the packet, t1 = &tohost; clobbers t2
send_packet:
1:      ld      t2, 0(t1)               # a previous packet not yet taken
        bnez    t2, 1b
        sd      t0, 0(t1)
2:      ld      t2, 0(t1)               # wait for the host to take this one
        bnez    t2, 2b
        ret

        .section .rodata
msg:    .asciz  "hello from htif\n"

# HTIF's mailbox words as 8-byte objects: the generated script places tohost/fromhost (its
# assignments win), and these give the symbols the size 8 that qemu's HTIF insists on.
        .section .bss.htif, "aw", @nobits
        .balign 64
        .globl  tohost, fromhost
        .type   tohost, @object
        .size   tohost, 8
tohost: .zero   8
        .type   fromhost, @object
        .size   fromhost, 8
fromhost: .zero 8
