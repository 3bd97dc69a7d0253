package m2mauth

// Ptr returns a pointer to v, for the option fields where nil means "the library's default" and any
// value that is set, 0 included, means what the C library says: ManagerOptions{JitterFraction: Ptr(0.0)}.
func Ptr[T any](v T) *T { return &v }
