#pragma once
/*
 * A single-producer single-consumer ring of fixed-size entries, the only
 * thing the signalling thread and a media worker share besides eventfds.
 * The producer writes an entry in place, then publishes it with a release
 * store of the head; the consumer reads with an acquire load, so the
 * entry's bytes are visible before the index that announces them. Caller
 * storage, no allocation, no locks.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gw_ring {
	_Atomic uint32_t head; /* next entry the producer writes */
	_Atomic uint32_t tail; /* next entry the consumer reads */
	uint32_t mask;	       /* entries - 1, entries a power of two */
	size_t size;	       /* octets per entry */
	uint8_t *buf;
};

/* entries must be a power of two; buf holds entries * size octets. */
static inline void gw_ring_init(struct gw_ring *r, void *buf, uint32_t entries,
				size_t size)
{
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->mask = entries - 1;
	r->size = size;
	r->buf = buf;
}

/* Producer: the entry to fill, or NULL when full. */
static inline void *gw_ring_produce(struct gw_ring *r)
{
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t t = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (h - t > r->mask)
		return NULL;
	return r->buf + (size_t)(h & r->mask) * r->size;
}

/* Producer: publishes the entry gw_ring_produce() gave. */
static inline void gw_ring_publish(struct gw_ring *r)
{
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);

	atomic_store_explicit(&r->head, h + 1, memory_order_release);
}

/* Consumer: the oldest entry, or NULL when empty. */
static inline void *gw_ring_peek(struct gw_ring *r)
{
	uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t h = atomic_load_explicit(&r->head, memory_order_acquire);

	if (t == h)
		return NULL;
	return r->buf + (size_t)(t & r->mask) * r->size;
}

/* Consumer: frees the entry gw_ring_peek() gave. */
static inline void gw_ring_release(struct gw_ring *r)
{
	uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
}

static inline uint32_t gw_ring_count(struct gw_ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire) -
	       atomic_load_explicit(&r->tail, memory_order_acquire);
}
