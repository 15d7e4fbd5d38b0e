// shim.h — ReadStat (Stata, SPSS and SAS files) for survsh's readers (Debian libreadstat-dev).
#ifndef SURVSH_CREADSTAT_SHIM_H
#define SURVSH_CREADSTAT_SHIM_H

#include <readstat.h>
#endif
