# JUCE's GUI and plugin modules, on top of accord_juce (cmake/JuceStatic.cmake), each compiled ONCE
# into a static library:
#   accord_juce_gui        juce_data_structures, juce_graphics, juce_gui_basics, juce_gui_extra
#   accord_juce_processors juce_audio_processors for the Accord Voice plugin (app/plugin/): no
#                          plugin hosting
#   accord_juce_host       juce_audio_processors with VST3 and LV2 hosting, for the test that loads
#                          the built plugin (tests/plugin/)
# The plugin links accord::workflows, whose audio layer already carries juce_core .. juce_audio_devices
# in accord_juce, so these libraries add only the modules accord_juce lacks: linking JUCE's module
# targets would compile juce_core a second time into the same binary. On Linux the headless modules
# compile the same whether or not the GUI modules are present (their only difference is the web
# browser, off here).
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/JuceStatic.cmake)

# juce_graphics: Debian strips JUCE's bundled freetype, libpng and libjpeg. juce_gui_basics loads
# X11 at run time (dlopen) and needs only its headers to build.
pkg_check_modules(ACCORD_JUCE_GUI_DEPS REQUIRED IMPORTED_TARGET freetype2 libpng libjpeg)
include(CheckIncludeFileCXX)
foreach(header X11/Xlib.h X11/extensions/Xrandr.h X11/extensions/Xinerama.h X11/Xcursor/Xcursor.h
               X11/extensions/shape.h)
    string(MAKE_C_IDENTIFIER "ACCORD_HAVE_${header}" found)
    check_include_file_cxx(${header} ${found})
    if(NOT ${found})
        message(FATAL_ERROR "The Accord Voice plugin needs ${header} (scripts/install-deps.sh)")
    endif()
endforeach()

# What every library here is compiled with: accord_juce's definitions less
# JUCE_STANDALONE_APPLICATION, which juce_add_plugin defines itself (a plugin is not a standalone
# application), and the modules' include directory.
set(ACCORD_JUCE_BASE_DEFINITIONS
    $<FILTER:$<TARGET_PROPERTY:accord_juce,INTERFACE_COMPILE_DEFINITIONS>,EXCLUDE,^JUCE_STANDALONE_APPLICATION=>)

function(accord_add_juce_modules target)
    cmake_parse_arguments(ARG "" "" "MODULES;SOURCES;DEFINITIONS;LINK" ${ARGN})
    add_library(${target} STATIC ${ARG_SOURCES})
    set(available)
    foreach(module IN LISTS ARG_MODULES)
        list(APPEND available JUCE_MODULE_AVAILABLE_${module}=1)
    endforeach()
    target_compile_definitions(${target}
        PRIVATE JUCE_STANDALONE_APPLICATION=0
        PUBLIC ${available} ${ARG_DEFINITIONS} ${ACCORD_JUCE_BASE_DEFINITIONS})
    target_include_directories(${target} SYSTEM
        PUBLIC $<TARGET_PROPERTY:accord_juce,INTERFACE_INCLUDE_DIRECTORIES>)
    target_link_libraries(${target} PUBLIC ${ARG_LINK} $<LINK_ONLY:accord_juce>)
    target_compile_features(${target} PUBLIC cxx_std_17)
    # Third-party code: compiled without ACCORD_WARNINGS and quietly.
    target_compile_options(${target} PRIVATE -w)
    set_target_properties(${target} PROPERTIES
        POSITION_INDEPENDENT_CODE ON
        VISIBILITY_INLINES_HIDDEN ON
        CXX_VISIBILITY_PRESET hidden
        C_VISIBILITY_PRESET hidden)
endfunction()

set(ACCORD_JUCE_GUI_MODULES juce_data_structures juce_graphics juce_gui_basics juce_gui_extra)
set(gui_sources)
foreach(module IN LISTS ACCORD_JUCE_GUI_MODULES)
    list(APPEND gui_sources ${JUCE_MODULES_DIR}/${module}/${module}.cpp)
endforeach()
accord_add_juce_modules(accord_juce_gui
    MODULES ${ACCORD_JUCE_GUI_MODULES}
    SOURCES ${gui_sources}
    LINK PkgConfig::ACCORD_JUCE_GUI_DEPS)

set(processors_sources
    ${JUCE_MODULES_DIR}/juce_audio_processors/juce_audio_processors.cpp
    ${JUCE_MODULES_DIR}/juce_audio_processors/juce_audio_processors_lv2_libs.cpp)
# juce_vst3_headers, juce_lilv_headers: the VST3 SDK and LV2 headers JUCE carries (header-only
# targets made by find_package(JUCE)).
accord_add_juce_modules(accord_juce_processors
    MODULES juce_audio_processors
    SOURCES ${processors_sources}
    DEFINITIONS JUCE_PLUGINHOST_VST3=0 JUCE_PLUGINHOST_LV2=0
    LINK accord_juce_gui juce::juce_vst3_headers juce::juce_lilv_headers)
accord_add_juce_modules(accord_juce_host
    MODULES juce_audio_processors
    SOURCES ${processors_sources}
    DEFINITIONS JUCE_PLUGINHOST_VST3=1 JUCE_PLUGINHOST_LV2=1
    LINK accord_juce_gui juce::juce_vst3_headers juce::juce_lilv_headers)
