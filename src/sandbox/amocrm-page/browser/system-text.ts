import type { CrmLang } from '../page-types';

/** The page's own interface strings (amoCRM's, not the widget's) in the four UI languages. */
export interface SystemText {
  readonly install: string;
  readonly save: string;
  readonly disable: string;
  readonly close: string;
  readonly installed: string;
  readonly notInstalled: string;
  readonly requiredMissing: string;
  readonly saveRefused: string;
  readonly saved: string;
  readonly saving: string;
  readonly settingsTitle: string;
  readonly openSettings: string;
}

const texts: Readonly<Record<CrmLang, SystemText>> = {
  en: {
    install: 'Install',
    save: 'Save',
    disable: 'Disable',
    close: 'Close',
    installed: 'Installed',
    notInstalled: 'Not installed',
    requiredMissing: 'Fill in the required fields:',
    saveRefused: 'The widget refused to save:',
    saved: 'Settings saved',
    saving: 'Saving…',
    settingsTitle: 'Integrations',
    openSettings: 'Settings',
  },
  ru: {
    install: 'Установить',
    save: 'Сохранить',
    disable: 'Отключить',
    close: 'Закрыть',
    installed: 'Установлено',
    notInstalled: 'Не установлено',
    requiredMissing: 'Заполните обязательные поля:',
    saveRefused: 'Виджет не сохранил настройки:',
    saved: 'Настройки сохранены',
    saving: 'Сохранение…',
    settingsTitle: 'Интеграции',
    openSettings: 'Настройки',
  },
  es: {
    install: 'Instalar',
    save: 'Guardar',
    disable: 'Desactivar',
    close: 'Cerrar',
    installed: 'Instalado',
    notInstalled: 'No instalado',
    requiredMissing: 'Complete los campos obligatorios:',
    saveRefused: 'El widget no guardó la configuración:',
    saved: 'Configuración guardada',
    saving: 'Guardando…',
    settingsTitle: 'Integraciones',
    openSettings: 'Configuración',
  },
  pt: {
    install: 'Instalar',
    save: 'Salvar',
    disable: 'Desativar',
    close: 'Fechar',
    installed: 'Instalado',
    notInstalled: 'Não instalado',
    requiredMissing: 'Preencha os campos obrigatórios:',
    saveRefused: 'O widget não salvou as configurações:',
    saved: 'Configurações salvas',
    saving: 'Salvando…',
    settingsTitle: 'Integrações',
    openSettings: 'Configurações',
  },
};

export function systemText(lang: CrmLang): SystemText {
  return texts[lang];
}
