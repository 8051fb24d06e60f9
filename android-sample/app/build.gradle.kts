// The sample app. Two tasks feed the Android build from the Rust workspace
// one folder up (run by preBuild, so Android Studio's Run does them):
//   cargoNdk          the library for each ABI, by `cargo ndk`, into
//                     src/main/jniLibs/<abi>/ (one task per ABI:
//                     cargoNdkArm64V8a, cargoNdkArmeabiV7a, cargoNdkX8664)
//   generateBindings  the Kotlin bindings (bindings/generate.sh, from the
//                     host's build) synced into build/generated/pushdoctor/
// Needs: rustup targets aarch64-linux-android, armv7-linux-androideabi,
// x86_64-linux-android; `cargo install cargo-ndk`; the NDK (ANDROID_NDK_HOME
// or the SDK's ndk/ folder, which cargo-ndk finds). See ../README.md.
import java.io.File

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

val repoRoot: File = rootDir.parentFile
val cargoTarget: File = System.getenv("CARGO_TARGET_DIR")?.let(::File) ?: File(repoRoot, "target")
val generatedBindings = layout.buildDirectory.dir("generated/pushdoctor/kotlin")
val minSdkLevel = 26

android {
    namespace = "dev.pushdoctor.sample"
    compileSdk = 35

    defaultConfig {
        applicationId = "dev.pushdoctor.sample"
        minSdk = minSdkLevel
        targetSdk = 35
        versionCode = 1
        versionName = "1.0"
        // The framework's own JUnit 3 runner: androidx.test is on Google's
        // repository only. It reports the usual instrumentation status,
        // which Firebase Test Lab and other farms read.
        testInstrumentationRunner = "android.test.InstrumentationTestRunner"
        ndk {
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }
    }

    // android.test.* (the runner and JUnit 3) from the platform's shared libraries.
    useLibrary("android.test.runner")
    useLibrary("android.test.base")

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    sourceSets["main"].kotlin.srcDir(generatedBindings)

    testOptions {
        // The JVM tests under src/test run Robolectric against the host's
        // library (target/debug), as android-sample/jvm-test.sh does in CI.
        unitTests.all { test ->
            test.systemProperty("jna.library.path", File(cargoTarget, "debug").path)
            test.jvmArgs("--add-opens=java.base/java.io=ALL-UNNAMED")
        }
    }
}

kotlin {
    // The same target as compileOptions: Kotlin's own default would be the
    // JDK running Gradle (21 in Android Studio), which Gradle refuses to mix.
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

dependencies {
    // JNA's Android AAR: its classes and libjnidispatch.so for each ABI.
    implementation("net.java.dev.jna:jna:5.14.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")

    testImplementation("junit:junit:4.13.2")
    testImplementation("org.robolectric:robolectric:4.17")
    // On the JVM, JNA's jar (with the host's dispatch library), not the AAR.
    testImplementation("net.java.dev.jna:jna:5.14.0")
}

// --- the Rust library, per ABI ----------------------------------------------

val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
val jniLibs = layout.projectDirectory.dir("src/main/jniLibs")
// `-Ppushdoctor.cargoProfile=debug` for a faster, larger library while developing.
val cargoRelease = providers.gradleProperty("pushdoctor.cargoProfile").getOrElse("release") == "release"

val cargoNdkTasks = abis.map { abi ->
    val name = "cargoNdk" + abi.split('-', '_').joinToString("") { part -> part.replaceFirstChar(Char::uppercase) }
    tasks.register<Exec>(name) {
        group = "pushdoctor"
        description = "Builds libpushdoctor_ffi.so for $abi with cargo ndk (android-sink: Rust logs to logcat)."
        workingDir = repoRoot
        // --platform: the minSdk the NDK links against. android-sink turns on
        // the core's android_logger, so Rust's records reach logcat.
        // `rustc --crate-type cdylib`: the shared library built alone, 0.95 MB
        // smaller than one built beside the crate's rlib; Android's packed
        // relocations, which the loader reads from API 23 (RELR needs 28):
        // docs/bindings.md, "Adding it to an Android app".
        val command = mutableListOf(
            "cargo", "ndk", "--platform", minSdkLevel.toString(), "-t", abi, "-o", jniLibs.asFile.path,
            "rustc", "--locked", "-p", "pushdoctor-ffi", "--lib", "--crate-type", "cdylib",
            "--features", "android-sink",
        )
        if (cargoRelease) command += "--release"
        command += listOf("--", "-C", "link-arg=-Wl,--pack-dyn-relocs=android")
        commandLine(command)
        inputs.files(fileTree(File(repoRoot, "core/src")), fileTree(File(repoRoot, "bindings/src")))
        inputs.files(File(repoRoot, "Cargo.lock"), File(repoRoot, "core/Cargo.toml"), File(repoRoot, "bindings/Cargo.toml"))
        inputs.property("release", cargoRelease)
        outputs.file(jniLibs.file("$abi/libpushdoctor_ffi.so"))
    }
}

val cargoNdk = tasks.register("cargoNdk") {
    group = "pushdoctor"
    description = "Builds the Rust library for every ABI the app ships (${abis.joinToString()})."
    dependsOn(cargoNdkTasks)
}

// --- the Kotlin bindings ----------------------------------------------------

val runBindgen = tasks.register<Exec>("runBindgen") {
    group = "pushdoctor"
    description = "Generates the Kotlin bindings from the host's debug build (bindings/generate.sh)."
    workingDir = repoRoot
    // Debug: read from an unstripped library; the API is the same in every build.
    commandLine("bash", "bindings/generate.sh", "debug")
    inputs.files(fileTree(File(repoRoot, "bindings/src")), fileTree(File(repoRoot, "bindings/kotlin/src")))
    inputs.file(File(repoRoot, "bindings/generate.sh"))
    outputs.dir(File(cargoTarget, "bindings/kotlin"))
}

val generateBindings = tasks.register<Sync>("generateBindings") {
    group = "pushdoctor"
    description = "Copies the generated pushdoctor_ffi.kt and LogBatch.kt into the app's generated sources."
    dependsOn(runBindgen)
    from(File(cargoTarget, "bindings/kotlin")) { include("uniffi/pushdoctor_ffi/*.kt") }
    into(generatedBindings)
}

tasks.named("preBuild") {
    dependsOn(cargoNdk, generateBindings)
}
