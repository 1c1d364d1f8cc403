/*
 * fuzz.h: what every harness in tests/fuzz/ shares. Each harness defines
 * LLVMFuzzerTestOneInput(); libFuzzer drives it in build/fuzz/ (make
 * fuzz), and replay.c drives it over the seed files in the normal build
 * (make fuzz-replay, part of make test) so the seeds stay regression
 * inputs without clang.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits data at each occurrence of sep: *part and *plen get the next
 * piece, *pos advances; false when nothing is left. */
static inline int fuzz_next_part(const uint8_t *data, size_t size, size_t *pos,
				 const char *sep, size_t seplen,
				 const uint8_t **part, size_t *plen)
{
	if (*pos > size)
		return 0;
	size_t start = *pos, i = start;

	for (; i + seplen <= size; i++)
		if (!memcmp(data + i, sep, seplen))
			break;
	if (i + seplen > size)
		i = size;
	*part = data + start;
	*plen = i - start;
	*pos = i == size ? size + 1 : i + seplen;
	return 1;
}

/* The next datagram of input framed as [two-octet big-endian word,
 * datagram]...: the word's bits in mask give the length (cut to what is
 * left), the others are the harness's flags (*word gets it whole);
 * *pos advances. False when fewer than two octets are left. */
static inline int fuzz_next_dgram(const uint8_t *data, size_t size, size_t *pos,
				  unsigned mask, unsigned *word,
				  const uint8_t **pkt, size_t *len)
{
	if (*pos + 2 > size)
		return 0;
	*word = (unsigned)data[*pos] << 8 | data[*pos + 1];
	*pos += 2;
	*len = *word & mask;
	if (*len > size - *pos)
		*len = size - *pos;
	*pkt = data + *pos;
	*pos += *len;
	return 1;
}
