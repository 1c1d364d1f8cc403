/*
 * pstnsim-mktiff: writes a multi-page TIFF/F test document for the fax
 * tests (no binary image is kept in the tree): the document of
 * tools/faxdoc, each page a different pattern (stripes, blocks counting
 * the page, seeded noise), so a page swapped, lost or damaged in transit
 * shows in a pixel comparison.
 *
 *   pstnsim-mktiff OUT.tif PAGES [ROWS [SEED]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/faxdoc/faxdoc.h"

int main(int argc, char **argv)
{
	unsigned long pages, rows = 400, seed = 1;
	int err;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: pstnsim-mktiff OUT.tif PAGES [ROWS "
				"[SEED]]\n");
		return 2;
	}
	pages = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		rows = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		seed = strtoul(argv[4], NULL, 10);
	if (pages < 1 || pages > FAXDOC_MAX_PAGES || rows < FAXDOC_MIN_ROWS ||
	    rows > FAXDOC_MAX_ROWS) {
		fprintf(stderr, "pstnsim-mktiff: PAGES 1..%u, ROWS %u..%u\n",
			FAXDOC_MAX_PAGES, FAXDOC_MIN_ROWS, FAXDOC_MAX_ROWS);
		return 2;
	}
	err = faxdoc_write(argv[1], (unsigned)pages, (unsigned)rows, seed);
	if (err) {
		fprintf(stderr, "pstnsim-mktiff: %s: %s\n", argv[1],
			strerror(err));
		return 1;
	}
	return 0;
}
