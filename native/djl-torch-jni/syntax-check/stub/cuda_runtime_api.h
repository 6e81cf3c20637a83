#pragma once
// Declarations only, for syntax-check/run.sh: enough of the CUDA runtime API for libtorch's c10/cuda headers and
// src/host_copies.cc to parse on a machine without the CUDA toolkit. Nothing links against it.
#include <cstddef>
typedef int cudaError_t; enum { cudaSuccess = 0, cudaErrorNotReady = 600, cudaErrorInvalidValue=1, cudaErrorMemoryAllocation=2, cudaErrorInitializationError=3, cudaErrorCudartUnloading=4, cudaErrorNoDevice=100, cudaErrorInsufficientDriver=35, cudaErrorDeviceUninitialized=201, cudaErrorInvalidDevice=101, cudaErrorPeerAccessAlreadyEnabled=704, cudaErrorPeerAccessUnsupported=217, cudaErrorPeerAccessNotEnabled=705, cudaErrorIllegalAddress=700, cudaErrorStreamCaptureUnsupported=900 };
struct CUstream_st; typedef CUstream_st* cudaStream_t; struct CUevent_st; typedef CUevent_st* cudaEvent_t;
typedef cudaStream_t CUstream; typedef int CUresult; typedef int CUdevice; struct CUctx_st; typedef CUctx_st* CUcontext;
enum cudaStreamCaptureStatus { cudaStreamCaptureStatusNone, cudaStreamCaptureStatusActive, cudaStreamCaptureStatusInvalidated };
enum cudaStreamCaptureMode { cudaStreamCaptureModeGlobal, cudaStreamCaptureModeThreadLocal, cudaStreamCaptureModeRelaxed };
enum cudaMemcpyKind { cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
typedef unsigned long long cudaGraphNode_t; struct CUgraph_st; typedef CUgraph_st* cudaGraph_t; struct CUgraphExec_st; typedef CUgraphExec_st* cudaGraphExec_t;
typedef unsigned long long CUmemGenericAllocationHandle; typedef unsigned long long CUdeviceptr; typedef int cudaMemPool_t;
struct cudaDeviceProp { int major, minor; size_t totalGlobalMem; char name[256]; int multiProcessorCount; };
#define cudaHostRegisterPortable 1
#define cudaEventDisableTiming 2
#define cudaEventBlockingSync 1
#define cudaEventDefault 0
#define cudaStreamNonBlocking 1
#define cudaStreamDefault 0
#define CUDART_VERSION 12090
#define CUDA_VERSION 12090
extern "C" {
cudaError_t cudaGetDevice(int*); cudaError_t cudaSetDevice(int); cudaError_t cudaGetDeviceCount(int*);
cudaError_t cudaGetLastError(); const char* cudaGetErrorString(cudaError_t); const char* cudaGetErrorName(cudaError_t);
cudaError_t cudaEventCreate(cudaEvent_t*); cudaError_t cudaEventCreateWithFlags(cudaEvent_t*, unsigned);
cudaError_t cudaEventDestroy(cudaEvent_t); cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t = 0);
cudaError_t cudaEventSynchronize(cudaEvent_t); cudaError_t cudaEventElapsedTime(float*, cudaEvent_t, cudaEvent_t);
cudaError_t cudaEventQuery(cudaEvent_t);
cudaError_t cudaStreamWaitEvent(cudaStream_t, cudaEvent_t, unsigned = 0); cudaError_t cudaStreamSynchronize(cudaStream_t);
cudaError_t cudaStreamQuery(cudaStream_t);
cudaError_t cudaMemcpyAsync(void*, const void*, size_t, cudaMemcpyKind, cudaStream_t = 0);
cudaError_t cudaHostRegister(void*, size_t, unsigned); cudaError_t cudaHostUnregister(void*);
cudaError_t cudaStreamIsCapturing(cudaStream_t, cudaStreamCaptureStatus*);
cudaError_t cudaThreadExchangeStreamCaptureMode(cudaStreamCaptureMode*);
cudaError_t cudaStreamGetCaptureInfo(cudaStream_t, cudaStreamCaptureStatus*, unsigned long long*);
cudaError_t cudaDeviceSynchronize(); cudaError_t cudaStreamGetPriority(cudaStream_t, int*); cudaError_t cudaDeviceGetStreamPriorityRange(int*, int*); cudaError_t cudaMemGetInfo(size_t*, size_t*);
}
