// shim.h — Intel ISA-L's inflate (igzip) for survsh's compressed-input readers (Debian libisal-dev):
// gzip files and zip members are inflated with it (see Inflate.swift for why: it is 4-5 times zlib's speed).
#ifndef SURVSH_CISAL_SHIM_H
#define SURVSH_CISAL_SHIM_H

#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>
#endif
