#ifndef CCLP_SHIM_H
#define CCLP_SHIM_H
#include <coin/Clp_C_Interface.h>
#endif
