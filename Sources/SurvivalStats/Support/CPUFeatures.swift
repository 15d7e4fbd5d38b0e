// CPUFeatures.swift — what the processor offers beyond the x86-64 baseline the Swift code is compiled
// for, asked once.
//
// Contract: `avx2` is true where CSurvshKernels' AVX2 kernels may run (the CPU has AVX2 and the OS
// saves its registers: CPUID and XGETBV, Sources/CKernels/shim.h); false elsewhere, including every
// non-x86 processor. The kernels it selects give the same bits as their Swift versions (CoxKernelTests),
// so it changes how fast a result comes, never the result.

import CSurvshKernels

enum CPUFeatures {
    static let avx2 = survsh_cpu_has_avx2()
}
