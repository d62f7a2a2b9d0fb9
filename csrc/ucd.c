/* The tables of ucd.h, as build_ucd.py generated them for the interpreter
 * textops is built for (ucd_data.h is not kept in the repository). */
#include "ucd.h"

#include "ucd_data.h"
