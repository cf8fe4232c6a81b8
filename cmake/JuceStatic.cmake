# JUCE 7 (Debian's juce-modules-source) compiled ONCE into one static library:
#   accord_juce (alias accord::juce)
# with only the headless modules the audio layer needs: juce_core, juce_events,
# juce_audio_basics, juce_audio_formats, juce_audio_devices, juce_dsp (IIR filters for the
# track EQ). No GUI, graphics, X11, curl,
# plugin hosting or audio_processors.
#
# Consumers get JUCE's include directory (as SYSTEM, so our warnings do not fire in JUCE
# headers) and exactly the compile definitions JUCE was built with, so
# `#include <juce_audio_formats/juce_audio_formats.h>` works and agrees with the library.
# Link it PRIVATE and keep JUCE types out of public headers.
include_guard(GLOBAL)

# No version in find_package: JUCE's version file only accepts an exact match.
find_package(JUCE CONFIG REQUIRED)
if(JUCE_VERSION VERSION_LESS 7.0 OR JUCE_VERSION VERSION_GREATER_EQUAL 8.0)
    message(FATAL_ERROR "accord::juce needs JUCE 7.x, found ${JUCE_VERSION}")
endif()
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# Debian strips JUCE's bundled codecs (juce_core.h forces JUCE_INCLUDE_{ZLIB,FLAC,OGGVORBIS}_CODE
# to 0): link the system ones instead (zlib comes with juce_core's own `z`).
pkg_check_modules(ACCORD_JUCE_CODECS REQUIRED IMPORTED_TARGET flac vorbis vorbisenc vorbisfile ogg)

# JACK: JUCE dlopen()s libjack at run time, so only the header is needed to build it.
include(CheckIncludeFileCXX)
check_include_file_cxx(jack/jack.h ACCORD_HAVE_JACK_HEADER)
if(ACCORD_HAVE_JACK_HEADER)
    set(ACCORD_JUCE_JACK 1)
else()
    set(ACCORD_JUCE_JACK 0)
endif()

set(ACCORD_JUCE_MODULES
    juce::juce_core
    juce::juce_events
    juce::juce_audio_basics
    juce::juce_audio_formats
    juce::juce_audio_devices
    juce::juce_dsp)

add_library(accord_juce STATIC)
add_library(accord::juce ALIAS accord_juce)

# The module targets are INTERFACE libraries carrying the module .cpp files: linking them here
# compiles those sources into accord_juce. Consumers only see $<LINK_ONLY:...> of them
# (system libraries), never their sources.
target_link_libraries(accord_juce
    PRIVATE ${ACCORD_JUCE_MODULES}
    PUBLIC PkgConfig::ACCORD_JUCE_CODECS Threads::Threads ${CMAKE_DL_LIBS})

target_compile_definitions(accord_juce PRIVATE
    JUCE_STANDALONE_APPLICATION=0
    JUCE_USE_CURL=0
    JUCE_LOAD_CURL_SYMBOLS_LAZILY=0
    JUCE_WEB_BROWSER=0
    JUCE_MODAL_LOOPS_PERMITTED=0
    JUCE_DISPLAY_SPLASH_SCREEN=0
    JUCE_REPORT_APP_USAGE=0
    JUCE_USE_MP3AUDIOFORMAT=1
    JUCE_USE_FLAC=1
    JUCE_USE_OGGVORBIS=1
    JUCE_USE_LAME_AUDIO_FORMAT=0
    JUCE_USE_WINDOWS_MEDIA_FORMAT=0
    JUCE_ALSA=1
    JUCE_JACK=${ACCORD_JUCE_JACK}
    JUCE_STRICT_REFCOUNTEDPOINTER=1)

# Export what JUCE was compiled with: our definitions above plus those the module targets add
# (JUCE_GLOBAL_MODULE_SETTINGS_INCLUDED, JUCE_MODULE_AVAILABLE_*, NDEBUG/DEBUG, LINUX), and
# the modules' include directory.
target_compile_definitions(accord_juce
    INTERFACE $<TARGET_PROPERTY:accord_juce,COMPILE_DEFINITIONS>)
target_include_directories(accord_juce SYSTEM
    INTERFACE $<TARGET_PROPERTY:accord_juce,INCLUDE_DIRECTORIES>)
target_compile_features(accord_juce PUBLIC cxx_std_17)

# Third-party code: compiled without ACCORD_WARNINGS and quietly.
target_compile_options(accord_juce PRIVATE -w)
set_target_properties(accord_juce PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    VISIBILITY_INLINES_HIDDEN ON
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden)

message(STATUS "accord::juce: JUCE ${JUCE_VERSION} from ${JUCE_MODULES_DIR}, JACK=${ACCORD_JUCE_JACK}")
