/* TEMPORARY: replaced by the surrogate helper. */
typedef int surr_placeholder;
