/*
 * store/file.c: a whole file read into memory, bounded (file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/util.h"
#include "store/file.h"

int
store_read_file(const char *path, size_t max, char **text, size_t *len,
    int *err)
{
	char *buf = NULL;
	size_t got = 0, cap = 0;
	int fd;

	*text = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		*err = errno;
		return -1;
	}
	for (;;) {
		ssize_t r;

		if (got == cap) {
			/* grow by doubling, to one byte past the limit:
			 * that byte read says the file is too large */
			cap = cap == 0 ? 4096 : cap * 2;
			if (cap > max + 1)
				cap = max + 1;
			buf = xrealloc(buf, cap + 1);
		}
		r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = errno;
			break;
		}
		if (r == 0) {
			close(fd);
			buf[got] = '\0';
			*text = buf;
			*len = got;
			return 0;
		}
		got += (size_t)r;
		if (got > max) {
			*err = EFBIG;
			break;
		}
	}
	close(fd);
	free(buf);
	return -1;
}
