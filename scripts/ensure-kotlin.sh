# Sourced by the scripts that compile Kotlin (bindings/kotlin-test.sh,
# android-sample/jvm-test.sh): installs the Kotlin compiler from npm into
# .tools/ (an ignored folder of the repository) when it is missing, and sets
# $kotlin_home to it.
KOTLIN_VERSION=2.4.20
kotlin_home=.tools/node_modules/kotlin-compiler
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
    echo "installing kotlin-compiler $KOTLIN_VERSION from npm into .tools/"
    npm install --prefix .tools "kotlin-compiler@$KOTLIN_VERSION" --no-audit --no-fund --loglevel=error
fi
