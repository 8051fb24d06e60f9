// The Push Doctor sample: a Gradle project for Android Studio (AGP 8.x).
// The app's own dependencies come from Maven Central only; Google's
// repository serves the Android Gradle Plugin and the build tools it
// fetches itself (aapt2), nothing the app links against.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        mavenCentral()
        // Only the build tools AGP resolves through the project (aapt2,
        // lint, the test platform connectedCheck uses): an app dependency
        // from here fails to resolve.
        google {
            content {
                includeGroupByRegex("com\\.android\\.tools.*")
                includeGroupByRegex("com\\.google\\.testing\\.platform.*")
            }
        }
    }
}

rootProject.name = "pushdoctor-sample"
include(":app")
