// zlib from Debian (zlib1g-dev, which Scripts/setup installs): deflate for the PNG thumbnails.
#include <zlib.h>
