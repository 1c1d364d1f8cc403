/* tools/faxdoc: fax documents for the tools and tests (faxdoc.h). */
#include "tools/faxdoc/faxdoc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#define ROW_BYTES (FAXDOC_WIDTH / 8)

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
	if (y < 8 || y % 200 < 2) {
		memset(row, 0xff, ROW_BYTES);
		return;
	}
	row[0] = 0xff;
	row[ROW_BYTES - 1] = 0xff;
	for (x = 16; x < FAXDOC_WIDTH - 16; x++)
		if ((x + y * page) % 97 < 6)
			row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
	if (y >= 40 && y < 120)
		for (x = 0; x < page && x < 30; x++)
			memset(row + 4 + x * 7, 0xff, 5);
	if (y >= 150 && y < 190)
		for (x = 20; x < 60; x++)
			row[x] = (unsigned char)lcg(seed);
}

static void quiet(void)
{
	/* libtiff prints its own warnings on stderr: callers report */
	TIFFSetErrorHandler(NULL);
	TIFFSetWarningHandler(NULL);
}

int faxdoc_write(const char *path, unsigned pages, unsigned rows,
		 unsigned long seed)
{
	unsigned char row[ROW_BYTES];
	TIFF *t;

	if (pages < 1 || pages > FAXDOC_MAX_PAGES || rows < FAXDOC_MIN_ROWS ||
	    rows > FAXDOC_MAX_ROWS)
		return EINVAL;
	quiet();
	t = TIFFOpen(path, "w");
	if (!t)
		return EIO;
	for (unsigned p = 1; p <= pages; p++) {
		TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
		TIFFSetField(t, TIFFTAG_IMAGEWIDTH, FAXDOC_WIDTH);
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
		for (unsigned y = 0; y < rows; y++) {
			page_row(row, p, y, &seed);
			if (TIFFWriteScanline(t, row, y, 0) < 0) {
				TIFFClose(t);
				return EIO;
			}
		}
		if (!TIFFWriteDirectory(t)) {
			TIFFClose(t);
			return EIO;
		}
	}
	TIFFClose(t);
	return 0;
}

unsigned faxdoc_same_pages(const char *a, const char *b)
{
	TIFF *ta, *tb;
	unsigned char ra[ROW_BYTES], rb[ROW_BYTES];
	uint32_t ha = 0, hb = 0, wa = 0, wb = 0;
	unsigned pages = 0;

	quiet();
	ta = TIFFOpen(a, "r");
	tb = TIFFOpen(b, "r");
	if (!ta || !tb)
		goto out;
	do {
		TIFFGetField(ta, TIFFTAG_IMAGELENGTH, &ha);
		TIFFGetField(tb, TIFFTAG_IMAGELENGTH, &hb);
		TIFFGetField(ta, TIFFTAG_IMAGEWIDTH, &wa);
		TIFFGetField(tb, TIFFTAG_IMAGEWIDTH, &wb);
		if (ha != hb || wa != FAXDOC_WIDTH || wb != FAXDOC_WIDTH)
			goto out;
		for (uint32_t y = 0; y < ha; y++)
			if (TIFFReadScanline(ta, ra, y, 0) < 0 ||
			    TIFFReadScanline(tb, rb, y, 0) < 0 ||
			    memcmp(ra, rb, sizeof(ra)))
				goto out;
		pages++;
	} while (TIFFReadDirectory(ta) && TIFFReadDirectory(tb));
out:
	if (ta)
		TIFFClose(ta);
	if (tb)
		TIFFClose(tb);
	return pages;
}

int faxdoc_pages(const char *path, char *err, size_t errlen)
{
	TIFF *t;
	int n;

	quiet();
	t = TIFFOpen(path, "r");
	if (!t) {
		snprintf(err, errlen, "%s: cannot open as TIFF", path);
		return -1;
	}
	n = TIFFNumberOfDirectories(t);
	TIFFClose(t);
	if (n < 1) {
		snprintf(err, errlen, "%s: TIFF without pages", path);
		return -1;
	}
	return n;
}

int faxdoc_creatable(const char *path, bool keep, char *err, size_t errlen)
{
	int fd =
		open(path,
		     O_WRONLY | O_CREAT | O_CLOEXEC | (keep ? O_EXCL : O_TRUNC),
		     0644);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	unlink(path);
	return 0;
}
