/* pthread_pc: producer-consumer over a bounded buffer with a pthread mutex and
 * two condition variables (not full / not empty).
 *
 * 2 producers put 5000 items each (10000 in all, values derived from producer
 * and sequence number) into a 16-slot ring; 2 consumers take items until all
 * 10000 are consumed. Which consumer gets which item depends on scheduling; the
 * printed totals do not: item count, sum, sum of squares (mod 2^64), an
 * order-independent hash, and that every item was seen exactly once. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define PRODUCERS 2
#define CONSUMERS 2
#define PER_PRODUCER 5000
#define TOTAL (PRODUCERS * PER_PRODUCER)
#define RING 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static uint32_t ring[RING];
static int head, count;
static int consumed_total;               /* items taken, all consumers */
static unsigned char seen[TOTAL];

struct result { uint64_t n, sum, sumsq, hash; };

static uint32_t item(int producer, int seq) { return (uint32_t)(producer * PER_PRODUCER + seq); }
static uint64_t value(uint32_t it) { return (uint64_t)it * 2654435761u % 1000003u; }
static uint64_t h64(uint64_t x) { x ^= x >> 33; x *= 0xff51afd7ed558ccdull; x ^= x >> 33; return x; }

static void *producer(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int s = 0; s < PER_PRODUCER; s++) {
        pthread_mutex_lock(&lock);
        while (count == RING) pthread_cond_wait(&not_full, &lock);
        ring[(head + count) % RING] = item(id, s);
        count++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    struct result *r = arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (count == 0 && consumed_total < TOTAL) pthread_cond_wait(&not_empty, &lock);
        if (count == 0) { /* everything consumed */
            pthread_mutex_unlock(&lock);
            return NULL;
        }
        uint32_t it = ring[head];
        head = (head + 1) % RING;
        count--;
        if (++consumed_total == TOTAL) pthread_cond_broadcast(&not_empty); /* wake the other consumer */
        seen[it]++;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
        uint64_t v = value(it);
        r->n++;
        r->sum += v;
        r->sumsq += v * v;
        r->hash += h64(it ^ (v << 32)); /* a sum: independent of the order */
    }
}

int main(void)
{
    pthread_t p[PRODUCERS], c[CONSUMERS];
    static struct result res[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++) pthread_create(&c[i], NULL, consumer, &res[i]);
    for (int i = 0; i < PRODUCERS; i++) pthread_create(&p[i], NULL, producer, (void *)(intptr_t)i);
    for (int i = 0; i < PRODUCERS; i++) pthread_join(p[i], NULL);
    for (int i = 0; i < CONSUMERS; i++) pthread_join(c[i], NULL);

    struct result t = {0, 0, 0, 0};
    for (int i = 0; i < CONSUMERS; i++) {
        t.n += res[i].n; t.sum += res[i].sum; t.sumsq += res[i].sumsq; t.hash += res[i].hash;
    }
    int once = 1;
    for (int i = 0; i < TOTAL; i++) once &= seen[i] == 1;
    uint64_t want = 0;
    for (int i = 0; i < TOTAL; i++) want += value((uint32_t)i);
    printf("pthread_pc: %d producers x %d items, %d consumers, ring of %d\n",
           PRODUCERS, PER_PRODUCER, CONSUMERS, RING);
    printf("consumed=%llu sum=%llu sumsq=%llu hash=%016llx\n", (unsigned long long)t.n,
           (unsigned long long)t.sum, (unsigned long long)t.sumsq, (unsigned long long)t.hash);
    printf("each item exactly once: %s, sum as expected: %s\n", once ? "yes" : "NO",
           t.sum == want ? "yes" : "NO");
    return once && t.sum == want && t.n == TOTAL ? 0 : 1;
}
