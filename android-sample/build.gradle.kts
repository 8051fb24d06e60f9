// Versions in one place. AGP 8.7 builds compileSdk 35 and runs on Gradle
// 8.9 or newer (gradle/wrapper/gradle-wrapper.properties); Kotlin 2.1 is
// what the generated bindings are compiled with here too.
plugins {
    id("com.android.application") version "8.7.3" apply false
    id("org.jetbrains.kotlin.android") version "2.1.0" apply false
}
