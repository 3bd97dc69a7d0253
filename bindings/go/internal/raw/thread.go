package raw

/*
#include <pthread.h>
#include <stdint.h>
static inline uintptr_t m2mauth_go_thread_id(void) { return (uintptr_t)pthread_self(); }
*/
import "C"

// ThreadID identifies the calling OS thread among the live ones (pthread_self). A goroutine that
// wants to find its own entry again from a callback the library makes on its thread must stay locked
// to that thread (runtime.LockOSThread) in between.
func ThreadID() uintptr { return uintptr(C.m2mauth_go_thread_id()) }
