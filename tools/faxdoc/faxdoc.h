#pragma once
/*
 * Fax documents for the tools and the tests: TIFF/F files as fax
 * machines send them (1728 px wide, 1 bit, G3 2-D with fill bits,
 * 204 x 98 dpi), made, checked and compared decoded (never by file
 * bytes: two encoders of the same page differ). libtiff only.
 */
#include <stdbool.h>
#include <stddef.h>

#define FAXDOC_WIDTH 1728
#define FAXDOC_MIN_ROWS 200
#define FAXDOC_MAX_ROWS 4000
#define FAXDOC_MAX_PAGES 100

/* Writes a document of pages pages of rows rows: a frame (so the page
 * edges are checked), stripes whose slope depends on the page, one block
 * per page number, and a band of seeded noise (hardest to compress,
 * easiest to get wrong). 0, EINVAL for sizes out of the bounds above, or
 * EIO. */
int faxdoc_write(const char *path, unsigned pages, unsigned rows,
		 unsigned long seed);
/* How many pages of b decode to the same rows as the same pages of a,
 * from the first; 0 when either cannot be read. */
unsigned faxdoc_same_pages(const char *a, const char *b);
/* Pages of a TIFF we can send (at least one), or -1 with err set. */
int faxdoc_pages(const char *path, char *err, size_t errlen);
/* Whether a file to receive into can be created now, not only once the
 * fax reaches phase C: 0, or -1 with err set. keep: an existing file is
 * an error (a spool never overwrites); else it is replaced. */
int faxdoc_creatable(const char *path, bool keep, char *err, size_t errlen);
