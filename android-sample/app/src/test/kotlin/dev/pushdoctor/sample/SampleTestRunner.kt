package dev.pushdoctor.sample

import org.junit.runners.model.FrameworkMethod
import org.robolectric.RobolectricTestRunner
import org.robolectric.internal.bytecode.InstrumentationConfiguration

/**
 * Robolectric with one copy of the bindings in the JVM. Robolectric loads
 * each class again inside each SDK's sandbox, the generated bindings too;
 * each copy registers uniffi's callback tables with the one native
 * library, and the last copy to load owns them: a plain test or another
 * SDK's sandbox that made its agent earlier then gets no answer from its
 * probe (every fact unknown). The bindings (`uniffi.`), and the Kotlin
 * runtime their signatures use (`kotlin.`, `kotlinx.`), are loaded once,
 * outside the sandboxes; they use no Android class, so nothing of them
 * needs Robolectric's shadows.
 */
class SampleTestRunner(testClass: Class<*>) : RobolectricTestRunner(testClass) {
    override fun createClassLoaderConfig(method: FrameworkMethod): InstrumentationConfiguration =
        InstrumentationConfiguration.Builder(super.createClassLoaderConfig(method))
            .doNotAcquirePackage("uniffi.")
            .doNotAcquirePackage("kotlin.")
            .doNotAcquirePackage("kotlinx.")
            .build()
}
