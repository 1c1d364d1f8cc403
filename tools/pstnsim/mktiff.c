/*
 * pstnsim-mktiff: writes a multi-page TIFF/F test document for the fax
 * tests (no binary image is kept in the tree): 1728 pixels wide, 1 bit,
 * CCITT G3 2-D with fill bits, 204 x 98 dpi, each page a different
 * pattern (stripes, blocks counting the page, seeded noise), so a page
 * swapped, lost or damaged in transit shows in a pixel comparison.
 *
 *   pstnsim-mktiff OUT.tif PAGES [ROWS [SEED]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#define WIDTH 1728
#define ROW_BYTES (WIDTH / 8)

static unsigned long lcg(unsigned long *s)
{
	*s = *s * 1103515245ul + 12345ul;
	return (*s >> 16) & 0x7fff;
}

static void page_row(unsigned char *row, unsigned page, unsigned y,
		     unsigned long *seed)
{
	unsigned x;

	memset(row, 0, ROW_BYTES);
	/* a frame, so the page edges are checked too */
	if (y < 8 || y % 200 < 2) {
		memset(row, 0xff, ROW_BYTES);
		return;
	}
	row[0] = 0xff;
	row[ROW_BYTES - 1] = 0xff;
	/* diagonal stripes whose slope depends on the page */
	for (x = 16; x < WIDTH - 16; x++)
		if ((x + y * page) % 97 < 6)
			row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
	/* one 40 px block per page number, on rows 40..120 */
	if (y >= 40 && y < 120)
		for (x = 0; x < page && x < 30; x++)
			memset(row + 4 + x * 7, 0xff, 5);
	/* a band of noise: hardest to compress, easiest to get wrong */
	if (y >= 150 && y < 190)
		for (x = 20; x < 60; x++)
			row[x] = (unsigned char)lcg(seed);
}

int main(int argc, char **argv)
{
	unsigned long pages, rows = 400, seed = 1;
	unsigned char row[ROW_BYTES];
	unsigned p, y;
	TIFF *t;

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
	if (pages < 1 || pages > 100 || rows < 200 || rows > 4000) {
		fprintf(stderr,
			"pstnsim-mktiff: PAGES 1..100, ROWS 200..4000\n");
		return 2;
	}
	t = TIFFOpen(argv[1], "w");
	if (!t)
		return 1;
	for (p = 1; p <= pages; p++) {
		TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
		TIFFSetField(t, TIFFTAG_IMAGEWIDTH, WIDTH);
		TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)rows);
		TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
		TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
		TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
		TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
		TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
		TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX3);
		TIFFSetField(t, TIFFTAG_GROUP3OPTIONS,
			     GROUP3OPT_2DENCODING | GROUP3OPT_FILLBITS);
		TIFFSetField(t, TIFFTAG_XRESOLUTION, 204.0f);
		TIFFSetField(t, TIFFTAG_YRESOLUTION, 98.0f);
		TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
		TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)rows);
		TIFFSetField(t, TIFFTAG_PAGENUMBER, (uint16_t)(p - 1),
			     (uint16_t)pages);
		for (y = 0; y < rows; y++) {
			page_row(row, p, y, &seed);
			if (TIFFWriteScanline(t, row, y, 0) < 0) {
				TIFFClose(t);
				return 1;
			}
		}
		if (!TIFFWriteDirectory(t)) {
			TIFFClose(t);
			return 1;
		}
	}
	TIFFClose(t);
	return 0;
}
