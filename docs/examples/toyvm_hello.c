/* toyvm_hello: a bare-metal guest for toyvm (docs/examples/toyvm.js), no libc.
 * Prints through the CONSOLE word, multiplies and divides (10! and 10!/7, in decimal, which
 * divides by 10 per digit), reads the CYCLES word, and returns 7 from main: _start stores
 * main's result to the EXIT word, so `zeroos run --platform ./docs/examples/toyvm.js
 * docs/examples/toyvm_hello` prints
 *
 *   hello from toyvm
 *   10! = 3628800, 10!/7 = 518400
 *   cycles so far: <N>
 *
 * and exits with 7. Built by docs/examples/build.sh with the adapter's own linker script. */

#define TOYVM_CONSOLE (*(volatile unsigned char *)0x10000000UL)
#define TOYVM_CYCLES (*(volatile unsigned long *)0x10000010UL)

/* _start: toyvm starts with sp at the top of its stack (wherever --ram-size puts it), so
 * it only calls main() and stores the result to EXIT (the run ends there). */
__asm__(".section .text.boot, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  call  main\n"
        "  lla   t0, __toyvm_exit\n"
        "  sd    a0, 0(t0)\n"
        "1: j    1b\n"
        ".text\n");

static void puts_toy(const char *s)
{
    while (*s) TOYVM_CONSOLE = (unsigned char)*s++;
}

static void put_decimal(unsigned long n)
{
    char digits[24];
    int i = 0;
    do {
        digits[i++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (i) TOYVM_CONSOLE = (unsigned char)digits[--i];
}

int main(void)
{
    volatile unsigned long ten = 10, seven = 7; /* volatile: computed at run time, not folded */
    unsigned long factorial = 1;
    for (unsigned long i = 2; i <= ten; i++) factorial *= i;

    puts_toy("hello from toyvm\n");
    puts_toy("10! = ");
    put_decimal(factorial);
    puts_toy(", 10!/7 = ");
    put_decimal(factorial / seven);
    puts_toy("\ncycles so far: ");
    put_decimal(TOYVM_CYCLES);
    puts_toy("\n");
    return 7;
}
